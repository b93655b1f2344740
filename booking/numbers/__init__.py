"""The clinic's numbers: one function per figure (figures.py), the period and location asked
for (scope.py), the staff page and its CSV downloads (views.py)."""
