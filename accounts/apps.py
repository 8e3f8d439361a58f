from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.lockout import check_proxy_count
        from fieldservice.checks import check_shared_state

        checks.register(check_proxy_count, checks.Tags.security, deploy=True)
        checks.register(check_shared_state, checks.Tags.caches, deploy=True)
