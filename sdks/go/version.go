package openchance

// Version follows the API document's info.version (API-CHANGELOG.md).
const Version = "1.0.0"
