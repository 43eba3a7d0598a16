using System;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using static AutoDiffGen.Tests.Tensors.TensorFiniteDifferences;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>The generated pullbacks of the runtime's layers, activations and losses against finite differences.</summary>
public class LayerGradientTests
{
    private static readonly Random s_random = new(20261129);

    /// <summary>Checks a tensor-valued f's pullback for a random seed against differences of Σ f ⊙ seed.</summary>
    private static void AssertPullback(Func<Tensor> forward, Action<Tensor, Tensor?[]> pullback, Tensor[] inputs, float step = 1e-2f)
    {
        Tensor output = forward();
        Tensor seed = Random(s_random, output.Rank == 1 ? 0 : output.Rows, output.Columns);
        Tensor seedCopy = seed.Clone();
        var adjoints = new Tensor?[inputs.Length];
        for (int k = 0; k < inputs.Length; k++)
        {
            adjoints[k] = Tensor.ZerosLike(inputs[k]);
        }
        pullback(seed, adjoints);
        Assert.Equal(seedCopy.AsSpan().ToArray(), seed.AsSpan().ToArray()); // a pullback never writes its seed
        AssertGradients(() => Dot(forward(), seed), inputs, adjoints, step);
    }

    [Fact]
    public void Dense_pullback_matches_finite_differences()
    {
        Tensor x = Random(s_random, 3, 4), w = Random(s_random, 4, 5), b = Random(s_random, 0, 5);
        AssertPullback(() => Layers.Dense(x, w, b), (seed, d) => Layers.DensePullback(x, w, b, seed, d[0], d[1], d[2]), [x, w, b]);
    }

    [Fact]
    public void Dense_pullback_with_no_input_adjoint_still_gives_the_weight_gradients()
    {
        Tensor x = Random(s_random, 3, 4), w = Random(s_random, 4, 5), b = Random(s_random, 0, 5);
        Tensor seed = Random(s_random, 3, 5);
        Tensor dWFull = Tensor.ZerosLike(w), dBFull = Tensor.ZerosLike(b), dW = Tensor.ZerosLike(w), dB = Tensor.ZerosLike(b);
        Layers.DensePullback(x, w, b, seed, Tensor.ZerosLike(x), dWFull, dBFull);
        Layers.DensePullback(x, w, b, seed, null, dW, dB);
        Assert.Equal(dWFull.AsSpan().ToArray(), dW.AsSpan().ToArray());
        Assert.Equal(dBFull.AsSpan().ToArray(), dB.AsSpan().ToArray());
    }

    [Fact]
    public void AddBiasRelu_pullback_matches_finite_differences()
    {
        // Inputs at least 0.1 from the kink and a bias within ±0.02, so no difference step crosses it.
        Tensor matrix = Random(s_random, 3, 4, -1f, 1f, margin: 0.1f), bias = Random(s_random, 0, 4, -0.02f, 0.02f);
        AssertPullback(() => TensorOps.AddBiasRelu(matrix, bias), (seed, d) => TensorOps.AddBiasReluPullback(matrix, bias, seed, d[0], d[1]), [matrix, bias], step: 1e-3f);
    }

    [Fact]
    public void DenseRelu_is_relu_of_dense_in_value_and_gradient()
    {
        Tensor x = Random(s_random, 5, 6), w = Random(s_random, 6, 7), b = Random(s_random, 0, 7, -0.5f, 0.5f);
        Tensor seed = Random(s_random, 5, 7);
        Tensor fused = Layers.DenseRelu(x, w, b);
        Tensor separate = Activations.Relu(Layers.Dense(x, w, b));
        Assert.Equal(separate.AsSpan().ToArray(), fused.AsSpan().ToArray());
        Assert.Contains(0f, fused.AsSpan().ToArray()); // some units are off, so the mask is exercised
        Assert.Contains(fused.AsSpan().ToArray(), value => value > 0f);

        Tensor dX = Tensor.ZerosLike(x), dW = Tensor.ZerosLike(w), dB = Tensor.ZerosLike(b);
        Layers.DenseReluPullback(x, w, b, seed, dX, dW, dB);
        Tensor dZ = Tensor.ZerosLike(separate), dXExpected = Tensor.ZerosLike(x), dWExpected = Tensor.ZerosLike(w), dBExpected = Tensor.ZerosLike(b);
        Activations.ReluPullback(Layers.Dense(x, w, b), seed, dZ);
        Layers.DensePullback(x, w, b, dZ, dXExpected, dWExpected, dBExpected);
        AssertClose(dXExpected, dX);
        AssertClose(dWExpected, dW);
        AssertClose(dBExpected, dB);
    }

    [Fact]
    public void A_null_tensor_argument_is_refused_by_name()
    {
        Tensor w = Random(s_random, 3, 2), b = Random(s_random, 0, 2);
        Layers.DenseReluState? state = null;
        ArgumentNullException forward = Assert.Throws<ArgumentNullException>(() => Layers.DenseReluForward(null!, w, b, ref state));
        Assert.Equal("x", forward.ParamName);
        ArgumentNullException gradient = Assert.Throws<ArgumentNullException>(() =>
            TensorFunctions.TwoLayerLossGradient(w, b, Random(s_random, 2, 2), Random(s_random, 0, 2), null!, [0], null, null, null, null));
        Assert.Equal("x", gradient.ParamName);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.True(expected.HasShapeOf(actual));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    [Fact]
    public void Pullbacks_add_into_the_adjoints()
    {
        Tensor x = Random(s_random, 2, 3, margin: 0.1f), seed = Random(s_random, 2, 3);
        Tensor once = Tensor.ZerosLike(x), twice = Tensor.ZerosLike(x);
        Activations.ReluPullback(x, seed, once);
        Activations.ReluPullback(x, seed, twice);
        Activations.ReluPullback(x, seed, twice);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i]);
        }
    }

    [Fact]
    public void Activations_match_finite_differences()
    {
        Tensor x = Random(s_random, 3, 4, -2f, 2f, margin: 0.05f);
        AssertPullback(() => Activations.Relu(x), (seed, d) => Activations.ReluPullback(x, seed, d[0]), [x]);
        AssertPullback(() => Activations.Sigmoid(x), (seed, d) => Activations.SigmoidPullback(x, seed, d[0]), [x]);
        AssertPullback(() => Activations.Tanh(x), (seed, d) => Activations.TanhPullback(x, seed, d[0]), [x]);
        AssertPullback(() => Activations.Softmax(x), (seed, d) => Activations.SoftmaxPullback(x, seed, d[0]), [x]);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits()
    {
        Tensor x = Tensor.FromArray(1, 3, [1000f, 999f, -1000f]);
        Tensor y = Activations.Softmax(x);
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), y[0], 1e-6f);
        Assert.Equal(0f, y[2]);
        Tensor dX = Tensor.ZerosLike(x);
        Activations.SoftmaxPullback(x, Tensor.FromArray(1, 3, [1f, 0f, 0f]), dX);
        Assert.All(dX.AsSpan().ToArray(), value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void Losses_match_finite_differences()
    {
        Tensor logits = Random(s_random, 4, 3, -2f, 2f);
        Tensor probabilities = Activations.Softmax(logits);
        Tensor targets = Random(s_random, 4, 3);
        int[] labels = [2, 0, 1, 2];
        Tensor oneHot = Tensor.Zeros(4, 3);
        for (int row = 0; row < 4; row++)
        {
            oneHot[row, labels[row]] = 1f;
        }

        Tensor dPredictions = Tensor.ZerosLike(probabilities);
        Losses.MeanSquaredErrorGradient(probabilities, targets, dPredictions);
        AssertGradients(() => Losses.MeanSquaredError(probabilities, targets), [probabilities], [dPredictions], 1e-3f);

        Tensor dProbabilities = Tensor.ZerosLike(probabilities);
        Losses.CategoricalCrossEntropyGradient(probabilities, oneHot, dProbabilities);
        AssertGradients(() => Losses.CategoricalCrossEntropy(probabilities, oneHot), [probabilities], [dProbabilities], 1e-3f);

        Tensor dSparse = Tensor.ZerosLike(probabilities);
        Losses.SparseCategoricalCrossEntropyGradient(probabilities, labels, dSparse);
        AssertGradients(() => Losses.SparseCategoricalCrossEntropy(probabilities, labels), [probabilities], [dSparse], 1e-3f);

        Tensor dLogits = Tensor.ZerosLike(logits);
        float fused = Losses.SoftmaxCrossEntropyGradient(logits, labels, dLogits);
        AssertGradients(() => Losses.SoftmaxCrossEntropy(logits, labels), [logits], [dLogits]);
        Assert.Equal(Losses.SparseCategoricalCrossEntropy(probabilities, labels), fused, 1e-5f);
    }

    [Fact]
    public void A_whole_network_loss_gets_its_gradient_from_the_generator()
    {
        Tensor x = Random(s_random, 5, 6), w1 = Random(s_random, 6, 4), b1 = Random(s_random, 0, 4, -0.1f, 0.1f);
        Tensor w2 = Random(s_random, 4, 3), b2 = Random(s_random, 0, 3, -0.1f, 0.1f);
        int[] labels = [0, 1, 2, 1, 0];
        Tensor dW1 = Tensor.ZerosLike(w1), dB1 = Tensor.ZerosLike(b1), dW2 = Tensor.ZerosLike(w2), dB2 = Tensor.ZerosLike(b2);
        float loss = TensorFunctions.TwoLayerLossGradient(w1, b1, w2, b2, x, labels, dW1, dB1, dW2, dB2);
        Assert.Equal(TensorFunctions.TwoLayerLoss(w1, b1, w2, b2, x, labels), loss);
        AssertGradients(() => TensorFunctions.TwoLayerLoss(w1, b1, w2, b2, x, labels), [w1, b1, w2, b2], [dW1, dB1, dW2, dB2]);
    }

    [Fact]
    public void Forward_then_backward_equals_the_pullback_and_a_state_can_be_reused()
    {
        Layers.DenseState? dense = null;
        Activations.SoftmaxState? softmax = null;
        for (int round = 0; round < 2; round++)
        {
            Tensor x = Random(s_random, 3, 4), w = Random(s_random, 4, 5), b = Random(s_random, 0, 5);
            Tensor seed = Random(s_random, 3, 5);
            Tensor z = Layers.DenseForward(x, w, b, ref dense);
            Tensor y = Activations.SoftmaxForward(z, ref softmax);
            Assert.Equal(Activations.Softmax(Layers.Dense(x, w, b)).AsSpan().ToArray(), y.AsSpan().ToArray());

            Tensor dZ = Tensor.ZerosLike(z), dX = Tensor.ZerosLike(x), dW = Tensor.ZerosLike(w), dB = Tensor.ZerosLike(b);
            Activations.SoftmaxBackward(softmax!, seed.Clone(), dZ); // Backward consumes its seed; Pullback below needs it intact
            float[] dZValues = dZ.AsSpan().ToArray();
            Layers.DenseBackward(dense!, dZ, dX, dW, dB);

            Tensor dZExpected = Tensor.ZerosLike(z), dXExpected = Tensor.ZerosLike(x), dWExpected = Tensor.ZerosLike(w), dBExpected = Tensor.ZerosLike(b);
            Activations.SoftmaxPullback(Layers.Dense(x, w, b), seed, dZExpected);
            Layers.DensePullback(x, w, b, dZExpected, dXExpected, dWExpected, dBExpected);
            Assert.Equal(dZExpected.AsSpan().ToArray(), dZValues);
            Assert.Equal(dXExpected.AsSpan().ToArray(), dX.AsSpan().ToArray());
            Assert.Equal(dWExpected.AsSpan().ToArray(), dW.AsSpan().ToArray());
            Assert.Equal(dBExpected.AsSpan().ToArray(), dB.AsSpan().ToArray());
        }
    }

    [Fact]
    public void A_wrongly_shaped_adjoint_is_refused_with_both_shapes()
    {
        Tensor x = Random(s_random, 2, 3), w = Random(s_random, 3, 4), b = Random(s_random, 0, 4);
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            Layers.DensePullback(x, w, b, Tensor.Zeros(2, 4), null, Tensor.Zeros(4, 3), null));
        Assert.Equal("dW", error.ParamName);
        Assert.Contains("[4, 3]", error.Message);
        Assert.Contains("[3, 4]", error.Message);
    }

    [Fact]
    public void A_wrongly_shaped_seed_is_refused()
    {
        Tensor x = Random(s_random, 2, 3);
        ArgumentException error = Assert.Throws<ArgumentException>(() => Activations.ReluPullback(x, Tensor.Zeros(3, 2), Tensor.ZerosLike(x)));
        Assert.Contains("[3, 2]", error.Message);
        Assert.Contains("[2, 3]", error.Message);
    }
}
