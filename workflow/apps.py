from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The workflow core every stage's services share: errors, the one transition path, the
    audit event's words, the pages' error path and the API plumbing (issue 15). It sits right
    above ``audit`` and imports no app of ours but ``audit``."""

    name = "workflow"
    verbose_name = _("流程核心")

    def ready(self):
        from django.apps import apps

        from . import generations
        from .speed import install_fast_displays

        install_fast_displays(apps.get_models())
        # Every committed write moves the cached pages' generation (workflow/pagecache.py).
        generations.install()
