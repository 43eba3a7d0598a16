using AutoDiffGen;

namespace ToyRegressionSample;

/// <summary>
/// The loss of the model y ≈ w·x + b. AutoDiffGen adds <c>MseGradient</c> and <c>MsePullback</c> to this class at
/// compile time; the data are [NoDerivative], so only w and b get adjoints.
/// </summary>
public static partial class ToyRegressionModel
{
    /// <summary>The mean squared error of the predictions w·x[i] + b against the targets y[i].</summary>
    [Differentiable]
    public static double Mse(double w, double b, [NoDerivative] double[] x, [NoDerivative] double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double error = w * x[i] + b - y[i];
            sum += error * error;
        }
        return sum / x.Length;
    }

    /// <summary>The predictions w·x[i] + b (an ordinary method: the forward pass, printed by the sample).</summary>
    public static double[] Predict(double w, double b, double[] x)
    {
        System.ArgumentNullException.ThrowIfNull(x);
        var predictions = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            predictions[i] = w * x[i] + b;
        }
        return predictions;
    }
}
