"""The read-only reference endpoints (departments, current user). The exception handler every
app's API shares is ``workflow.api.exception_handler``."""

from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import access_for
from .models import Department


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "kind", "parent", "category", "is_active"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """部门 — reference data, readable by every signed-in user."""

    serializer_class = DepartmentSerializer
    queryset = Department.objects.all()
    filterset_fields = ["kind", "category", "is_active", "parent"]
    search_fields = ["name", "short_name", "code"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    portfolio = serializers.ListField(child=serializers.IntegerField())


class MeView(APIView):
    """The signed-in user, with roles per department id and the departments in their portfolio."""

    serializer_class = MeSerializer

    def get(self, request):
        access = access_for(request.user)
        data = {
            "id": request.user.pk,
            "username": request.user.username,
            "display_name": str(request.user),
            "roles": {str(d): sorted(r) for d, r in access.dept_roles.items()},
            "portfolio": sorted(access.portfolio),
        }
        return Response(MeSerializer(data).data)
