# SPDX-License-Identifier: MIT
"""Standard figures of a hadal run directory, rendered headless with ParaView (pvpython).

    xvfb-run -a pvpython --force-offscreen-rendering scripts/paraview/hadal_render.py FIGURE RUN_DIR OUT.png
        [--field NAME] [--file X.xmf] [--time T] [--iso VALUE] [--state OUT.pvsm] [--size 1400x1000]

FIGURE:
  deposit    re-deposit thickness over the warped bathymetry (scripts/plume/render_deposit.py)
  plume      suspended-sediment concentration: isosurface (--iso, default 2 mg/L) over a vertical slice
             through the concentration maximum, with the grid outline          (plume.xmf)
  particles  a particle / parcel cloud coloured by a point field               (any Polyvertex .xmf)
  mantle     a 2-D field with isolines (default: temperature)                  (fields.xmf)
  lift       1-D profiles along a pipe, one chart per field                    (lift_riser.xmf)
  all        every figure whose data the run directory holds, as OUT_<figure>.png

--state writes the pipeline as a ParaView state file: open it in the GUI with File > Load State
("Search files under specified directory" relocates it to another run directory).
The last output time is drawn unless --time is given. Exit status: 0 drawn, 2 the data or field is
missing (the message says which fields there are), 1 anything else.
"""
import argparse
import glob
import os
import runpy
import sys

from paraview import simple as pv

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
BACKGROUND = [0.08, 0.1, 0.14]


class Missing(Exception):
    """The run directory lacks what a figure needs (exit 2)."""


def open_xdmf(path):
    if not os.path.exists(path):
        raise Missing(f"no {os.path.basename(path)} in {os.path.dirname(path) or '.'}")
    return pv.Xdmf3ReaderS(FileName=[path])


def pick_time(reader, requested):
    values = reader.TimestepValues
    # One step comes back as a bare float, none as an empty list.
    times = [float(values)] if isinstance(values, (int, float)) else (list(values) or [0.0])
    if requested is None:
        return times[-1]
    return min(times, key=lambda t: abs(t - requested))


def dataset(reader, time):
    """The reader's output as a VTK object (client side: servermanager.Fetch mangles rectilinear grids)."""
    reader.UpdatePipeline(time)
    data = reader.GetClientSideObject().GetOutputDataObject(0)
    if data.IsA("vtkMultiBlockDataSet"):
        data = data.GetBlock(0)
    return data


def arrays(data, association):
    fields = data.GetCellData() if association == "CELLS" else data.GetPointData()
    return [fields.GetArrayName(i) for i in range(fields.GetNumberOfArrays())]


def choose_field(data, requested, default, association="CELLS"):
    names = arrays(data, association)
    if requested:
        if requested not in names:
            raise Missing(f"no field '{requested}'; the file has: {', '.join(names) or 'none'}")
        return requested
    if default in names:
        return default
    if not names:
        raise Missing("the file holds no fields")
    return names[0]


def field_range(data, name, association="CELLS"):
    fields = data.GetCellData() if association == "CELLS" else data.GetPointData()
    return fields.GetArray(name).GetRange(-1 if fields.GetArray(name).GetNumberOfComponents() > 1 else 0)


def render_view(size):
    view = pv.CreateRenderView()
    view.ViewSize = size
    view.UseColorPaletteForBackground = 0
    view.Background = BACKGROUND
    view.OrientationAxesVisibility = 1
    return view


def oblique_camera(view, bounds):
    """From the south-east and above, so horizontal extent and height both show."""
    centre = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2]
    size = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    view.CameraFocalPoint = centre
    view.CameraPosition = [centre[0] + 0.9 * size, centre[1] - 1.3 * size, centre[2] + 1.0 * size]
    view.CameraViewUp = [0, 0, 1]
    view.ResetCamera()


def title(view, text):
    t = pv.Text(Text=text)
    d = pv.Show(t, view)
    d.FontSize = 14
    d.WindowLocation = "Upper Center"


def colour(display, view, name, association, preset, title_text, log=False, value_range=None):
    pv.ColorBy(display, (association, name))
    lut = pv.GetColorTransferFunction(name)
    lut.ApplyPreset(preset, True)
    if value_range:
        lut.RescaleTransferFunction(*value_range)
        lut.AutomaticRescaleRangeMode = "Never"
    if log:
        lut.UseLogScale = 1
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title_text
    bar.ComponentTitle = ""
    bar.Visibility = 1
    return lut


def finish(view, args, png):
    pv.SaveScreenshot(png, view, ImageResolution=args.size)
    if args.state:
        pv.SaveState(args.state)
    print(f"wrote {png}")


# ---------------------------------------------------------------------------------------------

def figure_deposit(args, png):
    # The plume module's own map, reused rather than repeated.
    script = os.path.join(SCRIPTS, "plume", "render_deposit.py")
    if not os.path.exists(os.path.join(args.run_dir, "seabed.xmf")):
        raise Missing(f"no seabed.xmf in {args.run_dir}")
    saved = sys.argv
    sys.argv = [script, args.run_dir, png]
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = saved
    if args.state:
        pv.SaveState(args.state)


def figure_plume(args, png):
    reader = open_xdmf(args.file or os.path.join(args.run_dir, "plume.xmf"))
    time = pick_time(reader, args.time)
    data = dataset(reader, time)
    name = choose_field(data, args.field, "concentration")
    low, high = field_range(data, name)
    view = render_view(args.size)
    pv.GetAnimationScene().AnimationTime = time
    outline = pv.Show(pv.Outline(Input=reader), view)
    outline.AmbientColor = outline.DiffuseColor = [0.7, 0.7, 0.7]
    points = pv.CellDatatoPointData(Input=reader)
    # Vertical east-west slice through the concentration maximum.
    cells = data.GetCellData().GetArray(name)
    peak = max(range(cells.GetNumberOfTuples()), key=lambda i: cells.GetTuple1(i))
    cell = data.GetCell(peak)
    bounds = cell.GetBounds()
    centre = [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2]
    slice_ = pv.Slice(Input=points)
    slice_.SliceType = "Plane"
    slice_.SliceType.Origin = centre
    slice_.SliceType.Normal = [0.0, 1.0, 0.0]
    shown = pv.Show(slice_, view)
    top = high if high > 0 else 1.0
    colour(shown, view, name, "POINTS", "Viridis (matplotlib)", f"{name} (kg/m³)", log=True,
           value_range=(max(top * 1e-4, 1e-12), top))
    iso = args.iso if args.iso is not None else 2e-3  # 2 mg/L, the turbidity threshold of the assessment
    if iso >= high:
        iso = 0.1 * high
    text = f"{name} at t = {time / 3600:.2f} h (max {high * 1e3:.3g} mg/L)"
    if high > 0:
        contour = pv.Contour(Input=points, ContourBy=["POINTS", name], Isosurfaces=[iso])
        surface = pv.Show(contour, view)
        surface.ColorArrayName = ["POINTS", ""]
        surface.AmbientColor = surface.DiffuseColor = [1.0, 0.55, 0.1]
        surface.Opacity = 0.45
        text += f"; isosurface {iso * 1e3:.3g} mg/L"
    title(view, text)
    oblique_camera(view, data.GetBounds())
    finish(view, args, png)


def find_point_series(run_dir):
    for path in sorted(glob.glob(os.path.join(run_dir, "*.xmf"))):
        with open(path, errors="replace") as f:
            if "Polyvertex" in f.read(20000):
                return path
    raise Missing(f"no particle (Polyvertex) .xmf in {run_dir}")


def figure_particles(args, png):
    reader = open_xdmf(args.file or find_point_series(args.run_dir))
    time = pick_time(reader, args.time)
    data = dataset(reader, time)
    if data.GetNumberOfPoints() == 0:
        raise Missing("the particle file holds no particles at this time")
    names = arrays(data, "POINTS")
    name = choose_field(data, args.field, names[0] if names else "", "POINTS")
    view = render_view(args.size)
    pv.GetAnimationScene().AnimationTime = time
    shown = pv.Show(reader, view)
    shown.SetRepresentationType("Points")
    shown.PointSize = 4.0
    shown.RenderPointsAsSpheres = 1
    low, high = field_range(data, name, "POINTS")
    colour(shown, view, name, "POINTS", "Inferno (matplotlib)", name, value_range=(low, high if high > low else low + 1))
    outline = pv.Show(pv.Outline(Input=reader), view)
    outline.AmbientColor = outline.DiffuseColor = [0.6, 0.6, 0.6]
    title(view, f"{data.GetNumberOfPoints()} particles at t = {time / 3600:.2f} h, coloured by {name}")
    oblique_camera(view, data.GetBounds())
    finish(view, args, png)


def figure_mantle(args, png):
    reader = open_xdmf(args.file or os.path.join(args.run_dir, "fields.xmf"))
    time = pick_time(reader, args.time)
    data = dataset(reader, time)
    name = choose_field(data, args.field, "temperature")
    low, high = field_range(data, name)
    view = render_view(args.size)
    view.OrientationAxesVisibility = 0
    pv.GetAnimationScene().AnimationTime = time
    shown = pv.Show(reader, view)
    colour(shown, view, name, "CELLS", "Cool to Warm", name, value_range=(low, high if high > low else low + 1))
    if high > low:
        points = pv.CellDatatoPointData(Input=reader)
        lines = pv.Contour(Input=points, ContourBy=["POINTS", name],
                           Isosurfaces=[low + (high - low) * k / 10.0 for k in range(1, 10)])
        lines_shown = pv.Show(lines, view)
        lines_shown.ColorArrayName = ["POINTS", ""]
        lines_shown.AmbientColor = lines_shown.DiffuseColor = [0.1, 0.1, 0.1]
        lines_shown.LineWidth = 1.5
    title(view, f"{name} at t = {time:.4g}")
    # 2-D fields lie in the x-y plane: look straight down.
    view.CameraPosition = [0, 0, 1]
    view.CameraFocalPoint = [0, 0, 0]
    view.CameraViewUp = [0, 1, 0]
    view.ResetCamera()
    view.GetActiveCamera().Zoom(1.15)
    finish(view, args, png)


def figure_lift(args, png):
    reader = open_xdmf(args.file or os.path.join(args.run_dir, "lift_riser.xmf"))
    time = pick_time(reader, args.time)
    data = dataset(reader, time)
    names = arrays(data, "CELLS")
    if args.field:
        fields = args.field.split(",")
        for f in fields:
            if f not in names:
                raise Missing(f"no field '{f}'; the file has: {', '.join(names)}")
    else:
        preferred = ["overpressure", "pressure", "concentration", "solids_velocity"]
        fields = [f for f in preferred if f in names] or names[:4]
    if not fields:
        raise Missing("the profile file holds no fields")
    pv.GetAnimationScene().AnimationTime = time
    # Cell centres carry the values at arc length x: plot against Points_X.
    centres = pv.CellCenters(Input=reader)
    layout = pv.CreateLayout("lift profiles")
    views = []
    for field in fields:
        chart = pv.CreateView("XYChartView")
        chart.ChartTitle = f"{field} at t = {time:.4g} s"
        chart.LeftAxisTitle = field
        chart.BottomAxisTitle = "arc length (m)"
        chart.LegendLocation = "TopRight"
        shown = pv.Show(centres, chart, "XYChartRepresentation")
        shown.UseIndexForXAxis = 0
        shown.XArrayName = "Points_X"
        shown.SeriesVisibility = [field]
        shown.SeriesLineThickness = [field, "3"]
        views.append(chart)
    # Each view goes into a free cell; ParaView splits the largest cell when none is free.
    for chart in views:
        pv.AssignViewToLayout(view=chart, layout=layout)
    layout.SetSize(args.size[0], args.size[1])
    pv.SaveScreenshot(png, layout, ImageResolution=args.size)
    if args.state:
        pv.SaveState(args.state)
    print(f"wrote {png}")


FIGURES = {"deposit": figure_deposit, "plume": figure_plume, "particles": figure_particles,
           "mantle": figure_mantle, "lift": figure_lift}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figure", choices=sorted(FIGURES) + ["all"])
    parser.add_argument("run_dir")
    parser.add_argument("png")
    parser.add_argument("--field", help="field to draw (lift: comma-separated list)")
    parser.add_argument("--file", help="the .xmf to read instead of the figure's usual one")
    parser.add_argument("--time", type=float, help="output time in s (default: the last)")
    parser.add_argument("--iso", type=float, help="plume isosurface in kg/m3 (default 2e-3 = 2 mg/L)")
    parser.add_argument("--state", help="also save the pipeline as a ParaView state file")
    parser.add_argument("--size", default="1400x1000", help="image size WxH")
    args = parser.parse_args()
    args.size = [int(v) for v in args.size.lower().split("x")]
    figures = sorted(FIGURES) if args.figure == "all" else [args.figure]
    drawn = 0
    for figure in figures:
        png = args.png if args.figure != "all" else args.png.replace(".png", "") + f"_{figure}.png"
        try:
            FIGURES[figure](args, png)
            drawn += 1
        except Missing as why:
            if args.figure != "all":
                print(f"hadal_render: error: {figure}: {why}", file=sys.stderr)
                return 2
            print(f"hadal_render: {figure}: skipped ({why})")
    if drawn == 0:
        print("hadal_render: error: nothing to draw in " + args.run_dir, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    code = main()
    # pvpython 5.11 crashes in its X/GL teardown after sys.exit (exit 139): leave directly.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
