from django.db.models import QuerySet

from accounts.models import Customer, TechnicianProfile, User


def customers_visible_to(user: User) -> QuerySet[Customer]:
    if not user.is_authenticated:
        return Customer.objects.none()
    if user.is_dispatcher:
        return Customer.objects.all()
    if user.is_customer:
        return Customer.objects.filter(user=user)
    return Customer.objects.none()


def technicians_visible_to(user: User) -> QuerySet[TechnicianProfile]:
    profiles = TechnicianProfile.objects.select_related("user")
    if not user.is_authenticated:
        return profiles.none()
    if user.is_dispatcher:
        return profiles
    if user.is_technician:
        return profiles.filter(user=user)
    return profiles.none()
