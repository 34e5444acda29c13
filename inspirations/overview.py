"""The review panel of the console's overview (see core/overview.py for what a panel is)."""

from core.overview import RECENT_ROWS, change_url, changelist_url, model_admin_for
from inspirations.models import Inspiration

# Drafts are what reviewers act on: approve and reject leave only from draft.
AWAITING_REVIEW = Inspiration.Status.DRAFT


def review_panel(request, site) -> dict | None:
    """Inspirations awaiting review (drafts), the longest-waiting first."""
    if model_admin_for(request, site, Inspiration) is None:
        return None
    drafts = Inspiration.objects.filter(status=AWAITING_REVIEW)
    return {
        "template": "inspirations/overview/review.html",
        "count": drafts.count(),
        "url": changelist_url(Inspiration, status__exact=AWAITING_REVIEW, deleted="no"),
        "oldest": [
            {"inspiration": inspiration, "url": change_url(inspiration)}
            for inspiration in drafts.order_by("created_at", "id")[:RECENT_ROWS]
        ],
    }
