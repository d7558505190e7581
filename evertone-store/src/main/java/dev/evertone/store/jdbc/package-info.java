/**
 * The store on JDBC: SQLite embedded by default, schema migrated by Flyway on open; every statement is
 * parameterised.
 */
package dev.evertone.store.jdbc;
