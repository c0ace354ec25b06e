"""The agent under test: any litellm model calling the domain's tools."""
