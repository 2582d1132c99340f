"""The pages behind a personal link: confirming a sign-up, the manage page and everything it changes, the join
link and the personal calendar feed. One blueprint (`personal`), above the feature packages it draws on
(participants, counseling, notifications), so none of them imports another for these pages.
"""
