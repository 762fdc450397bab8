from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cqo.accounts import views as accounts_views
from cqo.api import api
from cqo.ops import errors
from cqo.ops.views import healthz, readyz
from cqo.portal.views import home

# the error pages in the platform's layout; JSON under /api/ (cqo/ops/errors.py)
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error

urlpatterns = [
    path("", home, name="home"),
    # liveness and readiness probes (no trailing slash: what process managers expect)
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # the admin's sign-out is the platform's: it revokes the user's API tokens too
    path("admin/logout/", accounts_views.logout),
    # and its sign-in too: the password's throttle and the second factor
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("cqo.accounts.urls")),
    # the registry's first: /persons/invite/ is its page, not a person the portal shows
    path("", include("cqo.registry.urls")),
    path("", include("cqo.portal.urls")),
    path("policy/", include("cqo.policy.urls")),
    path("", include("cqo.blacklist.urls")),
    path("", include("cqo.ledger.urls")),
    path("", include("cqo.hours.urls")),
    path("", include("cqo.training.urls")),
    path("", include("cqo.imports.urls")),
    path("", include("cqo.talent.urls")),
    path("", include("cqo.coverage.urls")),
    path("", include("cqo.certification.urls")),
    path("", include("cqo.evaluation.urls")),
    path("", include("cqo.community.urls")),
    path("", include("cqo.notify.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
