package dev.lumen.app.store;

import java.sql.SQLException;

/** The database failed a statement: not the user's mistake, so the server answers 500 and logs it. */
public final class StoreException extends RuntimeException {
  StoreException(String sql, SQLException cause) {
    super("the results store failed (" + cause.getMessage() + ") on: " + sql, cause);
  }
}
