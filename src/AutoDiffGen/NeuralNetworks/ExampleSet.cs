using System;
using System.Globalization;
using AutoDiffGen.Data;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// Inputs and targets that <see cref="Sequential"/> copies batches from: a float matrix, or an <see cref="MnistSplit"/>
/// whose byte pixels are converted batch by batch (so its 60,000 images never need one large float copy).
/// </summary>
internal sealed class ExampleSet
{
    private readonly Tensor? _x;
    private readonly MnistSplit? _split;
    private readonly bool _rawPixels;

    private ExampleSet(string name, Tensor? x, MnistSplit? split, bool rawPixels, int count, int features, int[]? labels, Tensor? targets)
    {
        Name = name;
        _x = x;
        _split = split;
        _rawPixels = rawPixels;
        Count = count;
        Features = features;
        Labels = labels;
        Targets = targets;
    }

    /// <summary>What the inputs are called in messages: "x", "validationX", "the train set".</summary>
    public string Name { get; }

    /// <summary>The number of examples.</summary>
    public int Count { get; }

    /// <summary>The number of inputs per example.</summary>
    public int Features { get; }

    /// <summary>The class index of each example, or null when the targets are a tensor.</summary>
    public int[]? Labels { get; }

    /// <summary>The target row of each example, or null when the targets are class indices.</summary>
    public Tensor? Targets { get; }

    /// <summary>The shape of the inputs as text, for messages.</summary>
    public string ShapeText => _x?.ShapeText ?? string.Create(CultureInfo.InvariantCulture, $"[{Count}, {Features}]");

    public static ExampleSet FromTensor(Tensor x, string xName, int[]? labels, Tensor? targets, string yName)
    {
        ArgumentNullException.ThrowIfNull(x, xName);
        if (x.Rank != 2)
        {
            throw new ArgumentException($"{xName} must be a matrix with one example per row, [count, features], but it has shape {x.ShapeText}.", xName);
        }
        if (x.Rows == 0)
        {
            throw new ArgumentException($"{xName} has shape {x.ShapeText}: there are no examples.", xName);
        }
        if (labels is not null && labels.Length != x.Rows)
        {
            throw new ArgumentException(
                $"{xName} has {x.Rows} rows (shape {x.ShapeText}) but {yName} has {labels.Length} labels; expected one label per row.", yName);
        }
        if (targets is not null && targets.Rows != x.Rows)
        {
            throw new ArgumentException(
                $"{xName} has {x.Rows} rows (shape {x.ShapeText}) but {yName} has {targets.Rows} (shape {targets.ShapeText}); expected one target row per example.", yName);
        }
        return new ExampleSet(xName, x, null, false, x.Rows, x.Columns, labels, targets);
    }

    public static ExampleSet FromMnist(MnistSplit split, bool rawPixels)
    {
        ArgumentNullException.ThrowIfNull(split);
        var labels = new int[split.Count];
        ReadOnlySpan<byte> bytes = split.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = bytes[i];
        }
        return new ExampleSet($"the {split.Name} set", null, split, rawPixels, split.Count, MnistSplit.PixelsPerImage, labels, null);
    }

    /// <summary>Copies the inputs of the examples in <paramref name="indices"/> into the rows of <paramref name="destination"/>.</summary>
    public void CopyInputs(ReadOnlySpan<int> indices, Tensor destination)
    {
        if (_x is not null)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                _x.Row(indices[i]).CopyTo(destination.Row(i));
            }
        }
        else if (_rawPixels)
        {
            _split!.CopyRawImages(indices, destination.AsSpan());
        }
        else
        {
            _split!.CopyScaledImages(indices, destination.AsSpan());
        }
    }

    /// <summary>Copies the targets of the examples in <paramref name="indices"/> into the batch's labels or target rows.</summary>
    public void CopyTargets(ReadOnlySpan<int> indices, int[]? labels, Tensor? targets)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if (Labels is not null)
            {
                labels![i] = Labels[indices[i]];
            }
            else
            {
                Targets!.Row(indices[i]).CopyTo(targets!.Row(i));
            }
        }
    }
}
