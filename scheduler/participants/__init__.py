"""Participants: sign-ups (RSVPs), seats and the waitlist, personal links, privacy."""
