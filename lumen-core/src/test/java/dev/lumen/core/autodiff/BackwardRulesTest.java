package dev.lumen.core.autodiff;

import static dev.lumen.core.autodiff.Attributes.integer;
import static dev.lumen.core.autodiff.Attributes.ints;
import static dev.lumen.core.autodiff.Attributes.real;
import static dev.lumen.core.autodiff.Attributes.text;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every backward rule against central finite differences of the forward graph, on small graphs
 * with odd sizes, strides, padding, groups, dilation and broadcasting.
 */
class BackwardRulesTest {

  @Test
  void convolutionWithStridesAndUnevenPads() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 7, 9);
    String y = g.op("Conv", List.of(g.x(), g.random(0.5f, 4, 3, 3, 3), g.random(0.1f, 4)),
        ints("strides", 2, 2), ints("pads", 1, 0, 1, 2));
    GradientCheck.check(g, y);
  }

  @Test
  void dilatedConvolution() {
    TinyGraph g = TinyGraph.input(13, 1, 2, 9, 8);
    String y = g.op("Conv", List.of(g.x(), g.random(0.5f, 3, 2, 3, 3)), ints("dilations", 2, 2), ints("pads", 2, 2, 2, 2));
    GradientCheck.check(g, y);
  }

  @Test
  void groupedAndDepthwiseConvolutionWithSamePadding() {
    TinyGraph g = TinyGraph.input(13, 1, 4, 8, 7);
    String grouped = g.op("Conv", List.of(g.x(), g.random(0.5f, 4, 2, 3, 3)), integer("group", 2), ints("pads", 1, 1, 1, 1));
    String depthwise = g.op("Conv", List.of(grouped, g.random(0.5f, 4, 1, 3, 3)), integer("group", 4),
        ints("strides", 2, 2), text("auto_pad", "SAME_UPPER"));
    GradientCheck.check(g, depthwise);
  }

  @Test
  void threeDimensionalConvolution() {
    TinyGraph g = TinyGraph.input(13, 1, 2, 5, 6, 7);
    String y = g.op("Conv", List.of(g.x(), g.random(0.3f, 3, 2, 3, 3, 3)), ints("strides", 1, 2, 2),
        ints("pads", 1, 1, 1, 1, 1, 1));
    GradientCheck.check(g, y);
  }

  @Test
  void unitStrideConvolutionsWithUnevenPadsIn2dAnd3d() {
    TinyGraph g = TinyGraph.input(13, 1, 4, 6, 7);
    String y = g.op("Conv", List.of(g.x(), g.random(0.5f, 6, 2, 3, 2)), integer("group", 2), ints("pads", 0, 1, 2, 0));
    GradientCheck.check(g, y);
    TinyGraph v = TinyGraph.input(13, 1, 2, 4, 5, 6);
    GradientCheck.check(v, v.op("Conv", List.of(v.x(), v.random(0.3f, 3, 2, 3, 3, 1)), ints("pads", 1, 0, 0, 1, 2, 0)));
  }

  @Test
  void transposedConvolution() {
    TinyGraph g = TinyGraph.input(13, 1, 3, 5, 4);
    String y = g.op("ConvTranspose", List.of(g.x(), g.random(0.5f, 3, 2, 3, 3)), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 0));
    GradientCheck.check(g, y);
  }

  @Test
  void overlappingPaddedMaxPool() {
    for (long opset : new long[] {11, 13}) {
      TinyGraph g = TinyGraph.input(opset, 2, 3, 9, 8);
      String y = g.op("MaxPool", List.of(g.x()), ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
      GradientCheck.check(g, y);
    }
  }

  @Test
  void maxPoolWithCeilModeAndDilation() {
    TinyGraph g = TinyGraph.input(13, 1, 2, 8, 9);
    String ceil = g.op("MaxPool", List.of(g.x()), ints("kernel_shape", 3, 2), ints("strides", 2, 2), integer("ceil_mode", 1));
    GradientCheck.check(g, ceil);
    TinyGraph d = TinyGraph.input(13, 1, 2, 9, 9);
    GradientCheck.check(d, d.op("MaxPool", List.of(d.x()), ints("kernel_shape", 2, 2), ints("dilations", 2, 2)));
  }

  @Test
  void threeDimensionalMaxPool() {
    TinyGraph g = TinyGraph.input(13, 1, 2, 4, 5, 6);
    GradientCheck.check(g, g.op("MaxPool", List.of(g.x()), ints("kernel_shape", 2, 2, 2), ints("strides", 2, 2, 2)));
  }

  @Test
  void averagePoolCountingAndNotCountingPads() {
    for (int include = 0; include <= 1; include++) {
      TinyGraph g = TinyGraph.input(13, 1, 2, 7, 8);
      String y = g.op("AveragePool", List.of(g.x()), ints("kernel_shape", 3, 3), ints("strides", 2, 2),
          ints("pads", 1, 1, 1, 1), integer("count_include_pad", include));
      GradientCheck.check(g, y);
    }
  }

  @Test
  void globalPooling() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 5, 4);
    String avg = g.op("GlobalAveragePool", List.of(g.x()));
    String max = g.op("GlobalMaxPool", List.of(g.x()));
    GradientCheck.check(g, g.op("Add", List.of(avg, g.op("Mul", List.of(max, g.random(1f, 3, 1, 1))))));
  }

  @Test
  void reductionsInBothOpsetForms() {
    for (long opset : new long[] {11, 13}) {
      TinyGraph g = TinyGraph.input(opset, 3, 4, 5);
      String mean = g.op("ReduceMean", List.of(g.x()), ints("axes", 1, 2), integer("keepdims", 0));
      String max = g.op("ReduceMax", List.of(g.x()), ints("axes", 0), integer("keepdims", 0));
      String sum = g.emitter().reduceSum(max, new long[] {0, 1}, false);
      String min = g.op("ReduceMin", List.of(g.x()), ints("axes", 2), integer("keepdims", 1));
      String total = g.op("Add", List.of(g.emitter().reduceSum(min, new long[] {1, 2}, false), mean));
      GradientCheck.check(g, g.op("Add", List.of(total, sum)));
    }
  }

  @Test
  void gemmWithTranspositionsAndBias() {
    TinyGraph g = TinyGraph.input(13, 3, 5);
    String y = g.op("Gemm", List.of(g.x(), g.random(1f, 4, 5), g.random(1f, 4)), integer("transB", 1),
        real("alpha", 0.7f), real("beta", 1.3f));
    String t = g.op("Gemm", List.of(g.op("Transpose", List.of(y)), g.random(1f, 4, 2)), integer("transA", 1));
    GradientCheck.check(g, t);
  }

  @Test
  void broadcastingMatMul() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 4);
    String y = g.op("MatMul", List.of(g.x(), g.random(1f, 4, 5)));
    String z = g.op("MatMul", List.of(g.random(1f, 6, 3), y));
    String outer = g.op("MatMul", List.of(g.x(), g.op("Transpose", List.of(g.x()), ints("perm", 0, 2, 1))));
    String first = g.emitter().reduceSum(g.op("MatMul", List.of(z, g.random(1f, 5, 2))), new long[] {0, 1, 2}, false);
    GradientCheck.check(g, g.op("Add", List.of(first, g.emitter().reduceSum(outer, new long[] {0, 1, 2}, false))));
  }

  @Test
  void broadcastingArithmetic() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 4, 5);
    String bias = g.op("Add", List.of(g.x(), g.random(1f, 1, 3, 1, 1)));
    String scaled = g.op("Mul", List.of(bias, g.random(1f, 5)));
    String square = g.op("Mul", List.of(scaled, g.x()));
    String diff = g.op("Sub", List.of(g.random(1f, 4, 1), square));
    String quotient = g.op("Div", List.of(diff, g.op("Add", List.of(g.op("Mul", List.of(g.x(), g.x())), g.random(0f, 1)))));
    GradientCheck.check(g, g.op("Sum", List.of(quotient, g.op("Neg", List.of(bias)), g.x())));
  }

  @Test
  void batchNormalization() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 4, 4);
    String y = g.op("BatchNormalization", List.of(g.x(), g.random(1f, 3), g.random(1f, 3), g.random(1f, 3),
        g.op("Abs", List.of(g.random(1f, 3)))), real("epsilon", 1e-3f));
    GradientCheck.check(g, y);
  }

  @Test
  void activations() {
    TinyGraph g = TinyGraph.input(14, 2, 3, 4, 4);
    String x = g.x();
    String sum = g.op("Sum", List.of(
        g.op("Relu", List.of(x)),
        g.op("LeakyRelu", List.of(x), real("alpha", 0.1f)),
        g.op("PRelu", List.of(x, g.random(1f, 3, 1, 1))),
        g.op("Clip", List.of(g.op("Mul", List.of(x, g.emitter().scalar(4))), g.emitter().scalar(0), g.emitter().scalar(6))),
        g.op("Sigmoid", List.of(x)),
        g.op("Tanh", List.of(x)),
        g.op("HardSigmoid", List.of(x), real("alpha", 0.3f)),
        g.op("HardSwish", List.of(g.op("Mul", List.of(x, g.emitter().scalar(4)))))));
    GradientCheck.check(g, sum);
  }

  @Test
  void softmaxes() {
    for (long opset : new long[] {11, 13}) {
      TinyGraph g = TinyGraph.input(opset, 2, 3, 5);
      String soft = g.op("Softmax", List.of(g.x()), integer("axis", 2));
      String log = g.op("LogSoftmax", List.of(g.x()), integer("axis", -1));
      GradientCheck.check(g, g.op("Add", List.of(soft, log)));
    }
    TinyGraph g = TinyGraph.input(13, 2, 3, 5);
    GradientCheck.check(g, g.op("Softmax", List.of(g.x()), integer("axis", 1)));
  }

  @Test
  void reshapingAndTransposition() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 4, 5);
    String flat = g.op("Flatten", List.of(g.x()), integer("axis", 2));
    String reshaped = g.op("Reshape", List.of(flat, g.emitter().ints(4, 3, -1)));
    String transposed = g.op("Transpose", List.of(reshaped), ints("perm", 2, 0, 1));
    String unsqueezed = g.emitter().unsqueeze(transposed, 1);
    String squeezed = g.op("Squeeze", List.of(unsqueezed, g.emitter().ints(1)));
    GradientCheck.check(g, g.op("Mul", List.of(squeezed, g.random(1f, 10, 4, 3))));
  }

  @Test
  void concatenationSplittingSlicingAndPadding() {
    TinyGraph g = TinyGraph.input(13, 2, 3, 5, 6);
    String cat = g.op("Concat", List.of(g.x(), g.op("Relu", List.of(g.x())), g.x()), integer("axis", 1));
    List<String> parts = g.op("Split", List.of(cat, g.emitter().ints(2, 4, 3)), 3, integer("axis", 1));
    String sliced = g.op("Slice", List.of(parts.get(1), g.emitter().ints(1, -4), g.emitter().ints(4, 100),
        g.emitter().ints(2, 3)));
    String padded = g.op("Pad", List.of(sliced, g.emitter().ints(0, 0, 1, 2, 0, 1, 0, 0)));
    String weighted = g.op("Mul", List.of(padded, g.random(1f, 5, 4, 6)));
    GradientCheck.check(g, g.op("Add", List.of(g.emitter().reduceSum(weighted, new long[] {1, 2, 3}, false),
        g.emitter().reduceSum(parts.get(0), new long[] {1, 2, 3}, false))));
  }
}
