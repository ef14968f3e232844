"""The local password backend: Django's, refusing a locked account even with the right password
(``accounts.signin``), so no sign-in path — the login page, the admin, the API — gets past a lock."""

from django.contrib.auth.backends import ModelBackend

from . import signin


class LocalPasswordBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not signin.is_locked(user)
