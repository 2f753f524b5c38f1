"""One row per rate-limit bucket: its current window and the count in it (the database backend's counters)."""

from django.db import models


class RateCounter(models.Model):
    key = models.CharField(max_length=64, primary_key=True)  # a digest of the bucket's name
    window_end = models.BigIntegerField()  # Unix time the counted window ends
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_end"], name="ratecounter_window_end")]

    def __str__(self):
        return f"{self.key}: {self.count} until {self.window_end}"
