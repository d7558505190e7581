/**
 * Provisioning's data: domains, users, devices and their lines, credentials with their versioned
 * history, the change sets an import or a command writes in one transaction, and the restore plans
 * that undo them.
 */
@NullMarked
package dev.evertone.store.provisioning;

import org.jspecify.annotations.NullMarked;
