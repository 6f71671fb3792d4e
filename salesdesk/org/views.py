from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def chart(request):
    return render(request, "org/chart.html", {})
