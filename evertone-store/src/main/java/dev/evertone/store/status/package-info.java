/**
 * The status page's data: components and their status history, incidents and scheduled maintenances
 * with their timelines, subscribers, and the outbox of notifications to them. The rules (which
 * transitions are allowed, what a monitor declares) live in {@code evertone-status}; this package
 * only stores what it is given, atomically.
 */
@NullMarked
package dev.evertone.store.status;

import org.jspecify.annotations.NullMarked;
