# frozen_string_literal: true

module OpenChance
  VERSION = "1.0.0" # follows the API document's info.version (API-CHANGELOG.md)
end
