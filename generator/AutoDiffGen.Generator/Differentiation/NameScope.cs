using System.Collections.Generic;
using System.Globalization;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>Hands out identifiers that clash neither with the user's names nor with each other.</summary>
internal sealed class NameScope
{
    private readonly HashSet<string> _taken;

    public NameScope(IEnumerable<string> reserved) => _taken = new HashSet<string>(reserved);

    /// <summary><paramref name="baseName"/> if it is free, else the first free <c>baseName1</c>, <c>baseName2</c>, ….</summary>
    public string Fresh(string baseName)
    {
        string name = baseName;
        for (int suffix = 1; _taken.Contains(name); suffix++)
        {
            name = baseName + suffix.ToString(CultureInfo.InvariantCulture);
        }
        _taken.Add(name);
        return name;
    }

    /// <summary>A numbered name, <c>prefix0</c>, <c>prefix1</c>, … skipping taken ones.</summary>
    public string Numbered(string prefix)
    {
        for (int n = 0; ; n++)
        {
            string name = prefix + n.ToString(CultureInfo.InvariantCulture);
            if (_taken.Add(name))
            {
                return name;
            }
        }
    }

    /// <summary>The adjoint name for <paramref name="name"/>: <c>x</c> gives <c>dX</c>.</summary>
    public static string AdjointBase(string name)
    {
        string bare = name.TrimStart('@');
        return bare.Length == 0 ? "d" : "d" + char.ToUpperInvariant(bare[0]) + bare.Substring(1);
    }
}
