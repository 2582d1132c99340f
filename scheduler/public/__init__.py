"""The public side: the schedule, meeting pages and group pages that anyone can open."""
