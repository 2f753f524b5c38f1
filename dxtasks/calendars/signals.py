"""A deactivated user's feed links end for good: reactivation issues new ones, never revives the old."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import tokens


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="calendars.revoke_on_deactivation")
def revoke_feeds_of_inactive_user(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        tokens.revoke_all(owner=instance)
