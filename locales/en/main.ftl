# Interface text (English). Keys match zh-CN/main.ftl one to one.

site-name = One-Stop Government Services
site-tagline = One number, any window, one network
skip-to-content = Skip to content
nav-home = Home
nav-services = Services
nav-departments = Departments
nav-halls = Service halls
nav-main = Main navigation
footer-note = This system runs on the government intranet; every page and file is served by this server.
footer-hotline = Enquiries
colon = {": "}
language-switch = Change language

weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

hours-closed = Closed
hours-title = Opening hours
hours-today = Today
hours-open-today = Open today
hours-closed-today = Closed today
hours-coming = Coming holidays and adjusted working days
hours-coming-closed = Closed
hours-coming-open = Open (adjusted working day)
hours-workday-note = On an adjusted working day the hall keeps its Monday–Friday hours.

level-city = City
level-district = District
level-street = Street / township
level-community = Community / village

category-licensing = Administrative licence
category-confirmation = Administrative confirmation
category-benefit = Administrative benefit
category-public_service = Public service
category-other = Other
delivery-on_the_spot = Done on the spot
delivery-promised = Within a promised time
subject-person = Individuals
subject-legal_entity = Organisations
form-original = Original
form-copy = Copy
form-original_and_copy = Original and copy

time-limit-on-the-spot = Done on the spot
time-limit-promised = Done within { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
time-limit-legal = { $n ->
    [one] { $n } working day by law
   *[other] { $n } working days by law
}
time-limit-none = None
fee-free = Free of charge
bookable-yes = Can be booked online
bookable-no = Take a number at the hall

fact-code = Item code
fact-category = Type
fact-delivery = Delivery
fact-promised = Promised time limit
fact-legal = Legal time limit
fact-fee = Fee
fact-subject = For
fact-online = Online booking

home-search-label = Search services
home-search-placeholder = e.g. social security card, ID card, business licence
home-search-button = Search
home-figure-departments = Departments
home-figure-windows = Windows
home-figure-services = Services
home-how-title = How it works
home-how-1-title = Find the service
home-how-1 = Search or browse by department, and read the one-time list of materials to bring.
home-how-2-title = Book online
home-how-2 = Sign in, choose a date and time and get a booking code; or simply come to the hall.
home-how-3-title = Check in
home-how-3 = At a kiosk in the hall, enter or scan your booking code and take a queue number.
home-how-4-title = Be served
home-how-4 = When your number is called, go to the window shown; afterwards you can rate the service.
home-departments-title = Departments
home-all-departments = All departments
home-all-services = All services
home-address = Address

services-title = Services
services-filter-title = Filter
services-keyword = Keyword (name or code)
services-department = Department
services-category = Type
services-hall = Service hall
services-all = All
services-apply = Search
services-reset = Clear
services-count = { $n ->
    [one] { $n } service found
   *[other] { $n } services found
}
services-none = No services match. Try other words (for example 社保卡 or 身份证) or clear the filters.
services-col-name = Service
services-col-department = Department
services-col-category = Type
services-col-limit = Time limit

service-materials = Materials to bring (one-time list)
service-materials-note = Bring everything on the list in one visit; originals are checked and handed back.
service-materials-none = No written materials are needed; bring your own valid ID.
service-windows = Windows that handle it
service-window-number = Window { $n }
service-window-floor = Floor { $n }
service-comprehensive = Comprehensive window
service-zone = Zone
service-description = About this service
service-where = Where
service-print = Print this page to use it as the one-time list of materials.
service-book-hint = This service can be booked online; check in at the hall with your code to be called first.
service-walk-in-hint = No booking needed: take a number at a kiosk in the hall during opening hours.

departments-title = Departments
departments-count = { $n } departments
department-windows = Windows
department-services = Services
department-window-count = { $n ->
    [one] { $n } window
   *[other] { $n } windows
}
department-service-count = { $n ->
    [one] { $n } service
   *[other] { $n } services
}
department-phone = Enquiries

halls-title = Service halls
halls-intro = A four-level network (city, district, street/township, community/village): go to the nearest hall, one network for all.
halls-browse = Browse this hall

error-400-title = Bad request
error-400-message = The request could not be understood. Please go back and try again.
error-401-title = Please sign in
error-401-message = You need to sign in to see this page.
error-403-title = Not allowed
error-403-message = You are not allowed to do this. If a form has expired, reload the page and submit it again.
error-404-title = Page not found
error-404-message = We could not find that page or service; it may have moved. Go to the home page or search for what you need.
error-405-title = Not supported
error-405-message = This page does not support that kind of request.
error-409-title = Something changed
error-409-message = The data has just changed. Please reload and try again.
error-413-title = Too large
error-413-message = What you sent is too large. Please shorten it and try again.
error-422-title = Please check your input
error-422-message = Some of what you sent is not valid. Please check and try again.
error-429-title = Too many attempts
error-429-message = Too many attempts. Please wait a minute and try again.
error-500-title = Something went wrong
error-500-message = Something went wrong on our side. Please try again later, or ask at the information desk.
error-503-title = Temporarily unavailable
error-503-message = The system is busy or under maintenance. Please try again later.
error-back-home = Home page
error-search = Search services

invalid-id-length = An ID number has 18 characters.
invalid-id-chars = The first 17 characters of an ID number are digits; the last is a digit or X.
invalid-id-region = The region code of this ID number is not valid.
invalid-id-birth = The date of birth in this ID number is not valid.
invalid-id-check = The check digit of this ID number is wrong; please check it and type it again.
invalid-phone = Enter an 11-digit mainland China mobile number.
invalid-phone-last4 = Enter the last 4 digits of the phone number.
invalid-name-empty = Please enter your name.
invalid-name = A name has at most 50 characters and no special symbols.
invalid-password-short = A password has at least 8 characters.
invalid-password-long = A password has at most 128 characters.
invalid-password-common = This password is too common and easy to guess; please choose another.
invalid-hall = There is no such service hall.
invalid-window = This hall has no window with that number.
invalid-department = This hall has no such department.
invalid-admin-placement = An administrator account is not tied to a window or department.
phone-taken = An account with this phone number exists. Sign in, or ask at the information desk to reset the password.
id-number-taken = An account with this ID number exists; one ID number can have one account.

nav-login = Sign in
nav-register = Register
nav-logout = Sign out
nav-track = Track
nav-bookings = My bookings
nav-account = My account
role-resident = Resident
role-clerk = Window clerk
role-dept_admin = Department administrator
role-admin = Administrator

field-name = Full name
field-id-number = Resident ID number
field-id-number-hint = 18 characters; the last may be X. Stored encrypted; pages show only the first 6 and last 4.
field-phone = Mobile number
field-password = Password
field-password-hint = At least 8 characters; not a common one such as 12345678.
field-password2 = Password again
field-password-current = Current password
field-password-new = New password
form-has-errors = Please correct the marked fields:

login-title = Sign in
login-button = Sign in
login-failed = The phone number or password is not right. After several wrong tries, wait a few minutes.
login-no-account = No account yet?
login-link = Sign in
login-forgot = Forgot your password? Bring your ID card to the information desk to reset it.
register-title = Register with your real name
register-intro = Register with your own ID card to book online and follow your applications.
register-link = Register
register-button = Register and sign in
register-have-account = Already registered?
register-consent = I agree that the service center collects and uses my name, ID number and mobile number for government services (stored encrypted under the Personal Information Protection Law, used for nothing else).
consent-required = Please read and tick the agreement on the use of personal information.
password-mismatch = The two passwords are not the same.
password-current-wrong = The current password is not right.
password-changed = Your password has been changed; every other sign-in has ended.
password-must-change = This is a temporary password set by an administrator; please change it first.
password-title = Change password
password-note = After changing the password, sign-ins on other phones and computers end.
password-button = Change password
account-title = My account
account-role = Role
account-privacy = To protect personal information, ID and phone numbers are shown only in part.

service-book-button = Book online
status-booked = Booked
status-booked-explain = Your booking is confirmed. Check in at a kiosk in the hall from 30 minutes before your time.
status-checked_in = Checked in
status-checked_in-explain = You have your queue number; watch the calling board.
status-called = Called
status-called-explain = Please go to the window shown on the calling board.
status-serving = Being served
status-serving-explain = The window is handling your application.
status-completed = Completed
status-completed-explain = This visit is finished; you are welcome to rate the service.
status-cancelled = Cancelled
status-cancelled-explain = This booking was cancelled and its time given to others.
status-no_show = Missed
status-no_show-explain = Nobody checked in during the booked time. Repeated misses suspend online booking.
status-rescheduled = Moved
book-title = Book a time
reschedule-title = Change the booking time
reschedule-current = Current booking
reschedule-button = Move to this time
book-choose-day = Choose a day
book-choose-time = Choose a time
book-button = Confirm booking
book-full = Full
book-remaining = { $n } left
book-no-days = No days can be booked at the moment; look again later, or take a number at the hall.
book-no-slots = No times are left on this day; please choose another day.
book-rules = One booking per person, item and day, and at most 3 active bookings; cancel or move a booking until 1 hour before its time. 3 missed bookings within 90 days suspend online booking for 30 days.
book-error-not-bookable = This service cannot be booked online; take a number at a kiosk in the hall.
book-error-horizon = That day cannot be booked; please choose one of the days listed.
book-error-slot = That time cannot be booked; please choose again.
book-error-full = That time has just filled up; please choose another.
book-error-duplicate = You already have a booking for this service on that day.
book-error-limit = You already have 3 active bookings; complete or cancel one first.
book-error-suspended = Because of missed bookings, online booking is suspended until { $v }. You can still take a number at the hall.
book-error-too-late = Less than 1 hour before the booked time: it can no longer be cancelled or moved.
book-error-state = This booking cannot be changed in its present state.
booking-title = Booking
booking-code = Booking code
booking-when = Time
booking-window = Window
booking-qr = At the hall, scan this QR code or type the booking code at a kiosk to check in.
booking-how-checkin = Check in at a kiosk in the hall between 30 minutes before and 15 minutes after your booked time.
booking-timeline = Progress
booking-ics = Add to calendar
booking-print = Print
booking-reschedule = Change time
booking-cancel = Cancel booking
booking-change-until = You can cancel or move it until { $v }.
booking-created = Booked! A text message has been sent to your phone.
booking-cancelled = The booking has been cancelled.
booking-moved = The booking time has been changed.
bookings-new = Book another service
bookings-upcoming = Upcoming
bookings-past = Past bookings
bookings-none = No upcoming bookings.
bookings-messages = Messages
bookings-no-messages = No messages yet.
track-title = Track an application
track-intro = Enter the booking code and the last 4 digits of the phone number used to book; no sign-in needed.
track-last4 = Last 4 digits of phone
track-button = Track
track-bad-code = A booking code has 8 letters and digits, e.g. K7MX-4P2Q; please check it.
track-not-found = Nothing found; please check the code and the last 4 digits.
