"""The organisation's pages: browsing (browse.py: chart, departments, positions, headcount, people,
vacancies), maintenance for administrators (manage.py, /org/manage/) and versions with their change
sets (versions.py, /org/versions/)."""
