from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from shanzhi.lib import identity


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with the username or the registered mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        query = Q(username=username.strip())
        if identity.is_valid_mobile(username):
            query |= Q(phone=identity.normalize_mobile(username))
        user = User.objects.filter(query).order_by("pk").first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
