from rest_framework.authentication import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token auth, accepting `Authorization: Token <key>` and `Bearer <key>` alike."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        self.keyword = header[0]
        return super().authenticate(request)
