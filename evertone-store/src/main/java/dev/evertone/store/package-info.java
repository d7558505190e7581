/**
 * Storage of provisioning data: repository interfaces used by the features above, the records they
 * exchange, and the validation every value passes before it is written. The JDBC implementation is in
 * {@code dev.evertone.store.jdbc}; all SQL there is parameterised.
 */
@NullMarked
package dev.evertone.store;

import org.jspecify.annotations.NullMarked;
