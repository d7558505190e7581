/**
 * The store on JDBC: SQLite embedded by default, PostgreSQL for several nodes; the schema migrated
 * by Flyway on open; every statement parameterised. Only the server's wiring, the command line's
 * local store and tests see this package: features talk to the repository interfaces of {@code
 * evertone-store}.
 */
package dev.evertone.store.jdbc;
