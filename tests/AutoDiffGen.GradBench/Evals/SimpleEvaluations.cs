using System;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>A function whose output is one number.</summary>
internal sealed class ScalarEvaluation(Func<double> compute) : IEvaluation
{
    private double _value;

    /// <inheritdoc/>
    public void Run() => _value = compute();

    /// <inheritdoc/>
    public void WriteOutput(Utf8JsonWriter writer) => writer.WriteNumberValue(_value);
}

/// <summary>A function whose output is an array it returns.</summary>
internal sealed class VectorEvaluation(Func<double[]> compute) : IEvaluation
{
    private double[] _value = [];

    /// <inheritdoc/>
    public void Run() => _value = compute();

    /// <inheritdoc/>
    public void WriteOutput(Utf8JsonWriter writer) => JsonOutput.Vector(writer, _value);
}

/// <summary>A generated <c>Gradient</c> method, which overwrites a preallocated array and whose value is not output.</summary>
internal sealed class GradientEvaluation : IEvaluation
{
    /// <summary>Computes the gradient into its argument and returns the objective's value.</summary>
    public delegate double GradientMethod(Span<double> gradient);

    private readonly double[] _gradient;
    private readonly GradientMethod _compute;

    /// <summary>Prepares a gradient of <paramref name="length"/> elements.</summary>
    public GradientEvaluation(int length, GradientMethod compute)
    {
        _gradient = new double[length];
        _compute = compute;
    }

    /// <inheritdoc/>
    public void Run() => _compute(_gradient);

    /// <inheritdoc/>
    public void WriteOutput(Utf8JsonWriter writer) => JsonOutput.Vector(writer, _gradient);
}
