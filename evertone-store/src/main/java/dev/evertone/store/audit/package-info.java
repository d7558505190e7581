/**
 * The audit log: who changed what, when, and from where; every administrative change writes one
 * event in the same transaction as the change.
 */
@NullMarked
package dev.evertone.store.audit;

import org.jspecify.annotations.NullMarked;
