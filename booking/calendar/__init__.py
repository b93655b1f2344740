"""Reception's calendar (/boka/personal/kalender/): a day and a week per location with a
column per specialist, and the actions on visits and free times. Staff only, never cached,
no JavaScript needed. `queries` reads, `pages` shows, `actions` writes through
booking.services, `forms` validates."""
