"""Atom feeds (Django's syndication framework): one per public target, one per department.
Each entry is a public event of a target's timeline (published, a verified value, completion)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .views import _timeline


def _entries(row):
    url = reverse("portal:target", args=[row.target_id])
    for index, event in enumerate(_timeline(row)):
        yield {
            "title": f"{row.code} {row.title}：{event['text']}",
            "link": f"{url}#event-{event['date']}-{index}",
            "date": timezone.make_aware(
                datetime.datetime.combine(
                    datetime.date.fromisoformat(event["date"]), datetime.time()
                )
            ),
            "description": event["text"],
        }


class _PublicFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        return item["title"]

    def item_link(self, item):
        return item["link"]

    def item_description(self, item):
        return item["description"]

    def item_pubdate(self, item):
        return item["date"]

    def item_updateddate(self, item):
        return item["date"]


class TargetFeed(_PublicFeed):
    def get_object(self, request, target_id):
        return selectors.public_target(target_id)

    def title(self, row):
        return _("公开目标动态：%(t)s") % {"t": f"{row.code} {row.title}"}

    def link(self, row):
        return reverse("portal:target", args=[row.target_id])

    def subtitle(self, row):
        return _("已审核的进展、节点与办结情况")

    def items(self, row):
        return list(_entries(row))


class DepartmentFeed(_PublicFeed):
    def get_object(self, request, department_id):
        return selectors.public_department(department_id)

    def title(self, department):
        return _("部门公开目标动态：%(d)s") % {"d": department.name}

    def link(self, department):
        return reverse("portal:department", args=[department.pk])

    def subtitle(self, department):
        return _("该部门牵头或参与的公开目标的动态")

    def items(self, department):
        rows = selectors.public_targets().filter(departments=department).distinct()
        entries = [entry for row in rows for entry in _entries(row)]
        return sorted(entries, key=lambda e: e["date"], reverse=True)[:100]
