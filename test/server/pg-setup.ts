// setupFilesAfterEnv of the server-pg jest project: the server tests on PostgreSQL.
import { dropTestSchemas } from '../helpers/test-database'

afterAll(() => dropTestSchemas())
