# SPDX-License-Identifier: MIT
"""Renders the re-deposition map of a plume run over its bathymetry to PNG (headless ParaView).

    pvpython --force-offscreen-rendering scripts/plume/render_deposit.py RUN_DIR OUT.png [--exaggeration 2]

The seabed is drawn in 3-D (warped by its elevation), coloured by deposit thickness in mm on a log
scale; white contours mark the 1, 5 and 10 mm thresholds. The last output time is shown.
"""
import argparse
import os

from paraview import simple as pv

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("run_dir")
parser.add_argument("png")
parser.add_argument("--exaggeration", type=float, default=2.0, help="vertical exaggeration")
args = parser.parse_args()

reader = pv.Xdmf3ReaderS(FileName=[os.path.join(args.run_dir, "seabed.xmf")])
last = reader.TimestepValues[-1] if reader.TimestepValues else 0.0
reader.UpdatePipeline(last)

# Cell maps -> point data so the surface can be warped; deposit in millimetres.
points = pv.CellDatatoPointData(Input=reader)
surface_polys = pv.ExtractSurface(Input=points)  # rectilinear grid -> polydata, so points can move
millimetres = pv.Calculator(Input=surface_polys, ResultArrayName="deposit_mm", Function="deposit_thickness*1000")
# The 2-D map lies at z = 0: lift each point to the seabed elevation (times the exaggeration).
warped = pv.Calculator(Input=millimetres, ResultArrayName="position", CoordinateResults=1,
                       Function=f"coordsX*iHat+coordsY*jHat+seabed_elevation*{args.exaggeration}*kHat")
contours = pv.Contour(Input=warped, ContourBy=["POINTS", "deposit_mm"], Isosurfaces=[1.0, 5.0, 10.0])

view = pv.CreateRenderView()
view.ViewSize = [1400, 1000]
view.ViewTime = last  # render the last output, not the animation's start
view.UseColorPaletteForBackground = 0
view.Background = [0.08, 0.1, 0.14]
view.OrientationAxesVisibility = 0
surface = pv.Show(warped, view)
pv.ColorBy(surface, ("POINTS", "deposit_mm"))
lut = pv.GetColorTransferFunction("deposit_mm")
lut.ApplyPreset("Viridis (matplotlib)", True)
lut.UseLogScale = 1
lut.RescaleTransferFunction(0.01, max(10.0, 1.0))
lut.AutomaticRescaleRangeMode = "Never"
bar = pv.GetScalarBar(lut, view)
bar.Title = "re-deposit (mm)"
bar.ComponentTitle = ""
bar.Visibility = 1
lines = pv.Show(contours, view)
lines.ColorArrayName = ["POINTS", ""]
lines.AmbientColor = lines.DiffuseColor = [1.0, 1.0, 1.0]
lines.LineWidth = 2.0
title = pv.Text(Text=f"Deposit after {last / 3600:.1f} h (contours 1, 5, 10 mm; vertical x{args.exaggeration:g})")
title_display = pv.Show(title, view)
title_display.FontSize = 14
title_display.WindowLocation = "Upper Center"

view.CameraPosition = [0, 0, 1]
view.ResetCamera()
camera = view.GetActiveCamera()
camera.Elevation(-55)
camera.Azimuth(-20)
view.ResetCamera()
camera.Zoom(1.3)
pv.SaveScreenshot(args.png, view, ImageResolution=[1400, 1000])
print(f"wrote {args.png}")
