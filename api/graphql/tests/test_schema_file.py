"""schema.graphql is the exported SDL, and no SDL ships without its API-CHANGELOG.md entry."""

from api.graphql.export import CHANGELOG, SCHEMA_FILE, changelog_marker, schema_sdl


def test_schema_graphql_is_the_current_sdl():
    assert SCHEMA_FILE.read_text() == schema_sdl(), "schema.graphql is stale: run `make schema`"


def test_the_sdl_has_a_changelog_entry():
    marker = changelog_marker(schema_sdl())
    assert marker in CHANGELOG.read_text(), (
        "The GraphQL schema changed: describe the change in API-CHANGELOG.md and add "
        f"{marker} to that entry (`make schema` prints it)."
    )


def test_the_check_fails_on_any_change():
    sdl = schema_sdl()
    assert changelog_marker(sdl) != changelog_marker(sdl.replace("title", "name", 1))
