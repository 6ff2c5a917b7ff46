"""Full-text search: a weighted document in a generated, GIN-indexed column."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from marketplace import selectors, services
from organisations.services import organisation_provision


def test_search_ranks_title_matches_above_description_matches(in_tenant):
    # given
    in_description = services.challenge_create(
        title="Frontend work", description="Some kubernetes knowledge helps."
    )
    in_title = services.challenge_create(title="Kubernetes operator", description="Go code.")
    services.challenge_create(title="Unrelated", description="Nothing here.")
    # when
    found = list(selectors.challenge_list(search="kubernetes").order_by("-rank"))
    # then
    assert [challenge.id for challenge in found] == [in_title.id, in_description.id]


def test_search_matches_stems_tags_and_skills(in_tenant):
    tagged = services.challenge_create(title="Something", tags=["rust"], skills=["wasm"])
    stemmed = services.challenge_create(title="Designing databases")
    assert [c.id for c in selectors.challenge_list(search="rust")] == [tagged.id]
    assert [c.id for c in selectors.challenge_list(search="wasm")] == [tagged.id]
    assert [c.id for c in selectors.challenge_list(search="database design")] == [stemmed.id]
    assert list(selectors.challenge_list(search='"no such words"')) == []


def test_the_search_column_and_its_index_survive_template_cloning(tenant):
    """Tenant schemas are cloned, not migrated: a fresh tenant must compute and index the
    search document exactly like a migrated schema does."""
    # given
    provisioned = organisation_provision(
        issue_keys=False,
        slug="search-clone",
        name="Clone",
        plan_code="free",
        owner_email="o@clone.test",
    )
    # when
    with tenant_context(provisioned.tenant):
        challenge = services.challenge_create(title="Telescope mirrors", tags=["optics"])
        found = [c.id for c in selectors.challenge_list(search="optics telescope")]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attgenerated FROM pg_attribute WHERE attrelid ="
                " 'marketplace_challenge'::regclass AND attname = 'search_vector'"
            )
            generated = cursor.fetchone()[0]
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND indexname = 'challenge_search_gin'"
            )
            index = cursor.fetchone()
    # then
    assert found == [challenge.id]
    assert generated == "s"
    assert index is not None and "gin" in index[0].lower()


@pytest.mark.parametrize("query", ["", "   ", "!!!", "a & | b", "'", "-", 'or "'])
def test_odd_search_input_never_errors(in_tenant, query):
    services.challenge_create(title="Anything")
    list(selectors.challenge_list(search=query))
