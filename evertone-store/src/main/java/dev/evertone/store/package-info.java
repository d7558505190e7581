/**
 * The store's contract, with no database in sight: the {@link dev.evertone.store.Store} and its
 * repositories (one package per feature: provisioning, routing, registration, audit, admin,
 * status), the records they exchange, the change feed other nodes follow, and the validation every
 * value passes before it is written. The JDBC implementation is the module {@code
 * evertone-store-jdbc}; features depend only on this one.
 */
@NullMarked
package dev.evertone.store;

import org.jspecify.annotations.NullMarked;
