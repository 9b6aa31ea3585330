// Jalali picker on every [data-jdp] input (Persian pages only render that attribute).
if (window.jalaliDatepicker) {
  jalaliDatepicker.startWatch({ persianDigits: true, autoReadOnlyInput: false, zIndex: 2000 });
}
