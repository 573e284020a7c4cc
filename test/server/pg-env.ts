// setupFiles of the server-pg jest project: every server and store of these tests on PostgreSQL.
process.env.CHAT_TEST_STORE = 'postgres'
