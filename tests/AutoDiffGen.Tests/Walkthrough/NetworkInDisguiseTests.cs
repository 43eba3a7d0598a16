using System;
using System.Globalization;
using System.IO;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using TransformsSample;

namespace AutoDiffGen.Tests.Walkthrough;

/// <summary>
/// Two Dense layers with no activation are one Dense layer whose W and B a hand calculation gives; with a ReLU between
/// them they are not.
/// </summary>
public class NetworkInDisguiseTests
{
    // By hand, with W1 = [[0.5, −1, 0.3], [0.8, 0.2, −0.6]], B1 = [0.1, −0.2, 0.4], W2 = [[1, −0.5], [0.4, 0.9], [−0.7, 0.6]]
    // and B2 = [0.3, −0.1]:
    //   W = W1·W2 = [[0.5 − 0.4 − 0.21, −0.25 − 0.9 + 0.18], [0.8 + 0.08 + 0.42, −0.4 + 0.18 − 0.36]] = [[−0.11, −0.97], [1.3, −0.58]]
    //   B = B1·W2 + B2 = [0.1 − 0.08 − 0.28 + 0.3, −0.05 − 0.18 + 0.24 − 0.1] = [0.04, −0.09]
    private static readonly double[,] s_w = { { -0.11, -0.97 }, { 1.3, -0.58 } };
    private static readonly double[] s_b = [0.04, -0.09];

    private static StringWriter NewWriter() => new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    [Fact]
    public void The_layers_are_the_hand_picked_ones()
    {
        Assert.Equal([0.5f, -1.0f, 0.3f, 0.8f, 0.2f, -0.6f], NetworkInDisguise.W1().AsSpan().ToArray());
        Assert.Equal([0.1f, -0.2f, 0.4f], NetworkInDisguise.B1().AsSpan().ToArray());
        Assert.Equal([1.0f, -0.5f, 0.4f, 0.9f, -0.7f, 0.6f], NetworkInDisguise.W2().AsSpan().ToArray());
        Assert.Equal([0.3f, -0.1f], NetworkInDisguise.B2().AsSpan().ToArray());
    }

    [Fact]
    public void Composed_W_is_W1_times_W2_and_B_is_B1_times_W2_plus_B2()
    {
        DisguiseResult result = NetworkInDisguise.Run(TextWriter.Null);

        Assert.Equal(2, result.W.Rows);
        Assert.Equal(2, result.W.Columns);
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(s_w[r, c], result.W[r, c], 1e-6);
            }
        }
        Assert.Equal(1, result.B.Rank);
        Assert.Equal(2, result.B.Length);
        Assert.Equal(s_b[0], result.B[0], 1e-6);
        Assert.Equal(s_b[1], result.B[1], 1e-6);
    }

    [Fact]
    public void W_and_B_are_printed()
    {
        using StringWriter output = NewWriter();
        NetworkInDisguise.Run(output);
        string text = output.ToString();

        Assert.Contains("W = W1*W2 = Tensor [2, 2]\n[[-0.11, -0.97]\n [1.3, -0.58]]\n", text, StringComparison.Ordinal);
        Assert.Contains("B = B1*W2 + B2 = Tensor [2]\n[[0.04, -0.09]]\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(20261129)]
    public void Without_an_activation_two_layers_equal_the_hand_computed_single_layer_to_1e_6(int seed)
    {
        Tensor x = NetworkInDisguise.RandomInputs(1000, seed);
        Tensor twoLayers = TwoLayerNetwork.Linear(x, NetworkInDisguise.W1(), NetworkInDisguise.B1(), NetworkInDisguise.W2(), NetworkInDisguise.B2());

        // The single layer x·W + B with the hand values, in double.
        double max = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                double oneLayer = x[i, 0] * s_w[0, j] + x[i, 1] * s_w[1, j] + s_b[j];
                max = Math.Max(max, Math.Abs(twoLayers[i, j] - oneLayer));
            }
        }
        Assert.True(max <= 1e-6, $"largest difference {max}");

        DisguiseResult result = NetworkInDisguise.Run(TextWriter.Null, seed);
        Assert.True(result.MaxDifferenceLinear <= 1e-6f, $"the sample's largest difference {result.MaxDifferenceLinear}");
    }

    [Fact]
    public void With_a_relu_between_the_layers_they_are_not_one_layer()
    {
        // At x = (−1, −1) the hidden layer is x·W1 + B1 = (−1.3 + 0.1, 0.8 − 0.2, 0.3 + 0.4) = (−1.2, 0.6, 0.7).
        // Without ReLU: (−1.2, 0.6, 0.7)·W2 + B2 = (−1.15, 1.46), which is also x·W + B = (0.11 − 1.3 + 0.04, 0.97 + 0.58 − 0.09).
        // With ReLU:    (0, 0.6, 0.7)·W2 + B2 = (0.24 − 0.49 + 0.3, 0.54 + 0.42 − 0.1) = (0.05, 0.86).
        Tensor x = Tensor.FromArray(1, 2, [-1f, -1f]);
        Tensor linear = TwoLayerNetwork.Linear(x, NetworkInDisguise.W1(), NetworkInDisguise.B1(), NetworkInDisguise.W2(), NetworkInDisguise.B2());
        Tensor relu = TwoLayerNetwork.WithRelu(x, NetworkInDisguise.W1(), NetworkInDisguise.B1(), NetworkInDisguise.W2(), NetworkInDisguise.B2());
        Assert.Equal(-1.15, linear[0, 0], 1e-6);
        Assert.Equal(1.46, linear[0, 1], 1e-6);
        Assert.Equal(0.05, relu[0, 0], 1e-6);
        Assert.Equal(0.86, relu[0, 1], 1e-6);

        DisguiseResult result = NetworkInDisguise.Run(TextWriter.Null);
        // (−1, −1) alone differs by 1.2, and the random inputs come close to that corner.
        Assert.True(result.MaxDifferenceRelu > 0.5f, $"largest difference {result.MaxDifferenceRelu}");
    }

    [Fact]
    public void Both_largest_differences_are_printed_with_their_verdicts()
    {
        using StringWriter output = NewWriter();
        DisguiseResult result = NetworkInDisguise.Run(output);
        string text = output.ToString();

        string linear = result.MaxDifferenceLinear == 0f ? "0" : result.MaxDifferenceLinear.ToString("0.###E+0", CultureInfo.InvariantCulture);
        string relu = result.MaxDifferenceRelu.ToString("0.###E+0", CultureInfo.InvariantCulture);
        Assert.Contains($"no activation: largest |two layers - one layer| = {linear}  (equal to 1e-6)", text, StringComparison.Ordinal);
        Assert.Contains($"ReLU between:  largest |two layers - one layer| = {relu}  (not equal", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generated_pullback_gives_the_linear_network_the_slope_W_at_every_input()
    {
        DisguiseResult result = NetworkInDisguise.Run(TextWriter.Null);

        Assert.True(result.MaxSlopeErrorLinear <= 1e-6f, $"largest |dy_j/dx_k - W[k, j]| {result.MaxSlopeErrorLinear}");
        Assert.Equal(1, result.DistinctSlopesLinear);
        // Three hidden units switch on and off along three lines, which cut the plane into at most 7 pieces.
        Assert.InRange(result.DistinctSlopesRelu, 2, 7);
    }

    [Fact]
    public void The_default_run_has_the_numbers_the_readme_quotes()
    {
        DisguiseResult result = NetworkInDisguise.Run(TextWriter.Null);

        // README: "agree to 2.4e-7", "differ by up to 1.2", "7 different slopes".
        Assert.InRange(result.MaxDifferenceLinear, 0f, 5e-7f);
        Assert.Equal(1.2, result.MaxDifferenceRelu, 0.05);
        Assert.Equal(7, result.DistinctSlopesRelu);
    }

    [Fact]
    public void The_relu_networks_slope_at_minus_one_minus_one_drops_the_first_hidden_unit()
    {
        // The first hidden unit is off at (−1, −1), so dy/dx = W1 with its first column zeroed, times W2:
        // dy_0/dx = (−1·0.4 + 0.3·−0.7, 0.2·0.4 − 0.6·−0.7) = (−0.61, 0.5).
        Tensor x = Tensor.FromArray(1, 2, [-1f, -1f]);
        Tensor seed = Tensor.FromArray(1, 2, [1f, 0f]);
        Tensor dX = Tensor.ZerosLike(x);
        TwoLayerNetwork.WithReluPullback(x, NetworkInDisguise.W1(), NetworkInDisguise.B1(), NetworkInDisguise.W2(), NetworkInDisguise.B2(),
            seed, dX, null, null, null, null);

        Assert.Equal(-0.61, dX[0, 0], 1e-6);
        Assert.Equal(0.5, dX[0, 1], 1e-6);
    }

    [Fact]
    public void Dense_of_the_composed_layer_is_what_the_sample_compares_against()
    {
        (Tensor w, Tensor b) = NetworkInDisguise.Compose(NetworkInDisguise.W1(), NetworkInDisguise.B1(), NetworkInDisguise.W2(), NetworkInDisguise.B2());
        Tensor y = Layers.Dense(Tensor.FromArray(1, 2, [-1f, -1f]), w, b);

        Assert.Equal(-1.15, y[0, 0], 1e-6);
        Assert.Equal(1.46, y[0, 1], 1e-6);
    }
}
