package dev.lumen.app.cli;

import dev.lumen.core.explain.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The commands' progress bars: on standard error, so that standard output stays the report. */
final class ProgressBars {
  private ProgressBars() {}

  /** A started bar for {@code task} counting to {@code max}, redrawn while the task runs. */
  static ProgressBar start(String task, long max) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build();
  }

  /** Progress shown as one bar per stage, the next opened when the stage changes. */
  static Follower follow() {
    return new Follower();
  }

  /** Hears a service's {@link Progress} and draws it; closing it closes the last bar. */
  static final class Follower implements Progress, AutoCloseable {
    private ProgressBar bar;
    private String stage;

    @Override
    public void update(String stage, long done, long total) {
      if (!stage.equals(this.stage)) {
        close();
        this.stage = stage;
        bar = start(stage, total);
      }
      bar.maxHint(total);
      bar.stepTo(done);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
