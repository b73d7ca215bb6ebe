package dev.lumen.core.train;

import dev.lumen.core.autodiff.Attributes;
import dev.lumen.core.autodiff.GraphEmitter;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.model.Task;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.preprocess.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A new model: the backbone up to the feature layer, then global average pooling (over three
 * axes for a 3D CNN; a max over slices for a plane model's exam), the trained linear layer and
 * softmax or sigmoid — the head CAM explains — written with a model card that keeps the
 * backbone's input and preprocessing.
 */
public final class HeadExport {
  /** The new model's output. */
  public static final String SCORES = "scores";

  private HeadExport() {}

  /** The model with {@code head} on {@code layer} (laid out as {@code layout}). */
  public static OnnxGraph graph(Model model, String layer, Layout layout, LinearHead head) {
    OnnxGraph backbone = model.graph().below(layer);
    GraphEmitter e = new GraphEmitter(backbone.opset(), "lumen_head_");
    String pooled = layout == Layout.NHWC ? e.reduce("ReduceMean", layer, new long[] {1, 2}, false)
        : e.op("Flatten", List.of(e.op("GlobalAveragePool", List.of(layer))), Attributes.integer("axis", 1));
    if (model.input().volume() && !model.input().volumetric()) {
      // a plane model's exam: its slices are the batch, and the exam takes their maximum
      pooled = e.reduce("ReduceMax", pooled, new long[] {0}, true);
    }
    int classes = head.bias().length;
    int features = head.weights()[0].length;
    float[] w = new float[classes * features];
    for (int c = 0; c < classes; c++) {
      System.arraycopy(head.weights()[c], 0, w, c * features, features);
    }
    String logits = e.op("Gemm", List.of(pooled, e.floats(w, classes, features), e.floats(head.bias(), classes)),
        Attributes.integer("transB", 1));
    if (head.task() == Task.MULTI_CLASS) {
      e.opNamed(SCORES, "Softmax", List.of(logits), Attributes.integer("axis", 1));
    } else {
      e.opNamed(SCORES, "Sigmoid", List.of(logits));
    }
    return backbone.withHead(e.nodes(), e.constants(), List.of(SCORES));
  }

  /** The card of the new model: its labels and task, the layer CAM explains, the backbone's input and preprocessing. */
  public static ModelCard card(Model model, String layer, LinearHead head, String name) {
    var in = model.input();
    Preprocessing p = model.preprocessing();
    return new ModelCard(name, "linear head on " + layer + " of " + model.name() + ", trained by lumen train-head "
        + "(" + head.epochs() + " epochs, validation accuracy " + String.format(Locale.ROOT, "%.3f", head.validationAccuracy())
        + ")", head.labels(), head.task().cardName(), layer,
        new ModelCard.InputCard(in.volumetric() ? "NCDHW" : in.layout().name(), in.width(), in.height(),
            in.channels().name().toLowerCase(Locale.ROOT), in.volume()),
        new ModelCard.PreprocessingCard(null, p.resize().name().toLowerCase(Locale.ROOT),
            p.shorterSide() > 0 ? p.shorterSide() : null, p.scale().name().toLowerCase(Locale.ROOT), p.mean(), p.std()));
  }

  /**
   * Writes the model to {@code file} and its card beside it, the card first: a model without
   * its card would load with made-up labels, a card without its model loads nothing.
   */
  public static void write(Model model, String layer, Layout layout, LinearHead head, Path file) throws IOException {
    OnnxGraph graph = graph(model, layer, layout, head);
    String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
    card(model, layer, head, name).write(ModelCard.pathFor(file));
    graph.write(file);
  }
}
