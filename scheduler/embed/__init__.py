"""The embeddable schedule: a light page for an <iframe> on an organizer's own site, and the same list as an
HTML fragment for a server-side include."""
