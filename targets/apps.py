from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("目标管理")

    def ready(self):
        # targets sits above notifications: it registers what notifications needs to know.
        from notifications import kinds, readers, reminders

        from . import reminders as target_reminders
        from .models import Milestone, Target

        kinds.register_kind(target_reminders.TARGET_RETURNED, _("目标退回修改"), order=50)
        readers.register_read_check(Target, target_reminders.target_readers)
        readers.register_read_check(
            Milestone, lambda m, users: target_reminders.target_readers(m.target, users)
        )
        reminders.register_reminder_source(
            reminders.ReminderSource(
                key="targets.milestone",
                model=Milestone,
                label=_("节点目标"),
                items=target_reminders.open_milestones,
                owner_roles=target_reminders.MILESTONE_OWNERS,
            )
        )
