from __future__ import annotations

from rest_framework import serializers


class SearchConsultationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class SearchInstitutionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["consultation", "article", "comment", "paper", "institution"]
    )
    title = serializers.CharField()
    url = serializers.CharField(help_text="Absolute path of the page that shows the result.")
    snippet = serializers.CharField(help_text="Plain text around the first match.")
    snippet_html = serializers.CharField(
        help_text="The snippet, HTML-escaped, with each match in <mark>."
    )
    byline = serializers.CharField(
        help_text="Who wrote a comment or position paper, as the public may see it."
    )
    date = serializers.DateTimeField(allow_null=True)
    consultation = SearchConsultationSerializer(allow_null=True)
    institution = SearchInstitutionSerializer(allow_null=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    facets = serializers.DictField(
        child=serializers.IntegerField(), help_text="Matches per type, whatever the type filter."
    )
    results = SearchResultSerializer(many=True)
