from django.urls import path

from visits.signoffs import api, pages

urlpatterns = [
    path(
        "visits/<int:pk>/sign-off/",
        api.SignOffApi.as_view(),
        name="visit-sign-off",
    ),
    path(
        "visits/<int:pk>/sign-off-links/",
        api.SignOffLinkApi.as_view(),
        name="visit-sign-off-links",
    ),
    path(
        "visits/<int:pk>/service-card/",
        api.ServiceCardApi.as_view(),
        name="visit-service-card",
    ),
    path(
        "visits/<int:pk>/service-card.pdf",
        api.ServiceCardPdfApi.as_view(),
        name="visit-service-card-pdf",
    ),
    path(
        "visits/<int:pk>/receipt.pdf",
        api.ReceiptPdfApi.as_view(),
        name="visit-receipt-pdf",
    ),
]

# Pages for people without an account: the customer's signing link and anyone
# holding a receipt. Mounted at the site's root.
public_urlpatterns = [
    path("sign/<str:token>/", pages.sign_page, name="sign"),
    path("sign/<str:token>/receipt.pdf", pages.sign_page_receipt, name="sign-receipt"),
    path(
        "sign/<str:token>/service-card.pdf",
        pages.sign_page_service_card,
        name="sign-service-card",
    ),
    path(
        "sign/<str:token>/photos/<int:photo_id>.jpg",
        pages.sign_page_photo,
        name="sign-photo",
    ),
    path("verify/<str:record_sha256>/", pages.verify_page, name="verify"),
]
