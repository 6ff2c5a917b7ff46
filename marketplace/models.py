"""The marketplace's content, stored in each tenant's own schema (live and sandbox)."""

from django.db import models


class Challenge(models.Model):
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
