from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Favourite, User


def favourite_toggle(*, staff: User, customer: User) -> bool:
    """Star or unstar a customer for a staff member; returns whether the customer is now starred."""
    deleted, _ = Favourite.objects.filter(staff=staff, customer=customer).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(staff=staff, customer=customer)
    except IntegrityError:
        pass  # a double click starred it already
    return True
