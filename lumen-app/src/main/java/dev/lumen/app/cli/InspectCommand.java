package dev.lumen.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.model.Head;
import dev.lumen.core.model.Layer;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.ValueInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumen inspect}: what Lumen reads and infers from a model and its card. */
@Command(name = "inspect", description = "Print a model's inputs, outputs, layers, task, explanation layer and card.")
final class InspectCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Option(names = "--all-layers", description = "List every tensor, not only the spatial feature maps.")
  boolean allLayers;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (Model model = options.load()) {
      Map<String, Object> report = report(model);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        printText(out, model, report);
      }
      out.flush();
    }
    return 0;
  }

  private Map<String, Object> report(Model model) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", model.name());
    r.put("sha256", model.sha256());
    r.put("producer", model.graph().producerName());
    r.put("opset", model.graph().opset());
    r.put("inputs", model.graph().inputs().stream().map(InspectCommand::value).toList());
    r.put("outputs", model.graph().outputs().stream().map(InspectCommand::value).toList());
    r.put("task", model.task().cardName());
    r.put("outputActivation", model.outputActivation().orElse("none (logits)"));
    r.put("labels", model.labels());
    Map<String, Object> input = new java.util.LinkedHashMap<>(Map.of("layout", model.input().volumetric() ? "NCDHW"
        : model.input().layout().name(), "channels", model.input().channels().name().toLowerCase(), "width",
        model.input().width(), "height", model.input().height(), "volume", model.input().volume()));
    if (model.input().volumetric()) {
      // a 3D convolutional model: its depth, or "any"
      input.put("depth", model.input().depth() > 0 ? model.input().depth() : "any");
    }
    r.put("input", input);
    r.put("preprocessing", model.preprocessing().toString());
    r.put("explanationLayer", model.defaultLayer());
    try {
      Head head = model.head();
      r.put("head", Map.of("cam", true, "feature", head.feature(), "pooling", head.pooling().describe(),
          "sliceMax", head.sliceMax(), "classMapHead", head.isClassMapHead()));
    } catch (Head.NotLinearHead e) {
      r.put("head", Map.of("cam", false, "why", e.getMessage()));
    }
    List<Map<String, Object>> layers = model.layers().stream()
        .filter(l -> allLayers || l.isSpatial())
        .map(InspectCommand::layer).toList();
    r.put("layers", layers);
    r.put("card", model.card());
    return r;
  }

  private static Map<String, Object> value(ValueInfo v) {
    return Map.of("name", v.name(), "type", v.elementType().toLowerCase(), "shape", v.shapeText());
  }

  private static Map<String, Object> layer(Layer l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", l.node());
    m.put("op", l.opType());
    m.put("tensor", l.tensor());
    m.put("shape", Arrays.toString(l.shape()));
    return m;
  }

  @SuppressWarnings("unchecked")
  private void printText(PrintWriter out, Model model, Map<String, Object> r) throws IOException {
    out.printf("model        %s (%s, opset %s)%n", r.get("model"), r.get("producer"), r.get("opset"));
    out.printf("sha256       %s%n", r.get("sha256"));
    for (Map<String, Object> v : (List<Map<String, Object>>) r.get("inputs")) {
      out.printf("input        %s %s %s%n", v.get("name"), v.get("type"), v.get("shape"));
    }
    for (Map<String, Object> v : (List<Map<String, Object>>) r.get("outputs")) {
      out.printf("output       %s %s %s%n", v.get("name"), v.get("type"), v.get("shape"));
    }
    out.printf("task         %s (output activation: %s)%n", r.get("task"), r.get("outputActivation"));
    out.printf("labels       %s%n", r.get("labels"));
    out.printf("image input  %s%n", r.get("input"));
    out.printf("preprocess   %s%n", r.get("preprocessing"));
    out.printf("layer        %s (default for explanations)%n", r.get("explanationLayer"));
    Map<String, Object> head = (Map<String, Object>) r.get("head");
    out.printf("CAM head     %s%n", Boolean.TRUE.equals(head.get("cam"))
        ? "yes: " + head.get("pooling") + " reads " + head.get("feature")
            + (Boolean.TRUE.equals(head.get("sliceMax")) ? ", max over slices" : "")
        : "no: " + head.get("why"));
    String card = new ObjectMapper().writeValueAsString(model.card());
    out.printf("card         %s%n", card.equals("{}") ? "none" : card);
    out.printf("%s:%n", allLayers ? "tensors" : "spatial feature maps");
    out.printf("  %-32s %-20s %-32s %s%n", "node", "op", "tensor", "shape");
    for (Map<String, Object> l : (List<Map<String, Object>>) r.get("layers")) {
      out.printf("  %-32s %-20s %-32s %s%n", l.get("node"), l.get("op"), l.get("tensor"), l.get("shape"));
    }
  }
}
