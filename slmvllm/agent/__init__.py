"""The agent surface: slmvllm's commands as tools an MCP client can call (`slmvllm mcp`)."""
