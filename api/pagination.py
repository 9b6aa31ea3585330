"""Every list pages: 50 a page by default, at most 200, with the total and the next page's link."""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
